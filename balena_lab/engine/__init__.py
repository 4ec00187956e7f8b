"""The engine: the local Docker engine and what balena_lab keeps on it.

:mod:`.client` (connecting, with a fix when nothing answers),
:mod:`.emulation` (QEMU binfmt_misc handlers for ARM), :mod:`.rootfs`
(Debian root filesystems made with debootstrap), :mod:`.baseimages` (the
offline base images), :mod:`.standins` (local images that stand in for
upstream ones), :mod:`.containers` (running an image) and :mod:`.names`
(every name and label balena_lab gives to what it makes).
"""
