"""Realistic wrong answers, and answers that try to fake a run-time check.

Each value is the source of the exercise's answer cell(s), as a learner
would write it.  ``WRONG`` holds mistakes learners make; each must score
below 100%.  ``FAKES`` holds, for every check about what a container does,
an answer that tries to pass that check without doing the work: printing
the expected text, writing the expected file, removing the files by the
names the given Dockerfile shows.  Each must fail that check.
"""

from __future__ import annotations

WRONG: dict[str, dict[str, str]] = {
    "dockerfile-basics": {
        "add-instead-of-copy": 'DOCKERFILE = """\\\nFROM balena-lab/debian:bookworm-amd64\n'
                               'ADD hello.sh /usr/src/app/hello.sh\n'
                               'CMD ["sh", "/usr/src/app/hello.sh"]\n"""\n',
        "cmd-before-copy": 'DOCKERFILE = """\\\nFROM balena-lab/debian:bookworm-amd64\n'
                           'CMD ["sh", "/usr/src/app/hello.sh"]\n'
                           'COPY hello.sh /usr/src/app/hello.sh\n"""\n',
        "exec-form-relative-path": 'DOCKERFILE = """\\\nFROM balena-lab/debian:bookworm-amd64\n'
                                   'COPY hello.sh /usr/src/app/hello.sh\n'
                                   'CMD ["hello.sh"]\n"""\n',
        "copy-before-from": 'DOCKERFILE = """\\\nCOPY hello.sh /usr/src/app/hello.sh\n'
                            'FROM balena-lab/debian:bookworm-amd64\n'
                            'CMD ["sh", "/usr/src/app/hello.sh"]\n"""\n',
    },
    "add-to-copy": {
        "archive-copied-not-unpacked": 'DOCKERFILE = """\\\nFROM balena-lab/debian:bookworm-amd64\n'
                                       'COPY app/hello.sh /usr/src/app/hello.sh\n'
                                       'COPY assets.tar /usr/src/app/assets/\n'
                                       'CMD ["sh", "/usr/src/app/hello.sh"]\n"""\n',
        "cmd-moved-up": 'DOCKERFILE = """\\\nFROM balena-lab/debian:bookworm-amd64\n'
                        'CMD ["sh", "/usr/src/app/hello.sh"]\n'
                        'COPY app/hello.sh /usr/src/app/hello.sh\n'
                        'ADD assets.tar /usr/src/app/assets/\n"""\n',
        "script-lost": 'DOCKERFILE = """\\\nFROM balena-lab/debian:bookworm-amd64\n'
                       'COPY app/hello.sh /usr/src/app/\n'
                       'ADD assets.tar /usr/src/app/assets/\n'
                       'CMD ["sh", "/usr/src/app/app/hello.sh"]\n"""\n',
    },
    "compose-services": {
        "other-service-names": 'COMPOSE = """\\\nversion: \'2.1\'\nvolumes:\n  resin-data: {}\n'
                               'services:\n  web:\n    build: ./frontend\n    labels:\n'
                               '      io.balena.features.supervisor-api: \'1\'\n  api:\n'
                               '    build: ./backend\n    volumes:\n'
                               '      - resin-data:/data\n"""\n',
        "volume-not-declared": 'COMPOSE = """\\\nversion: \'2.1\'\nservices:\n  frontend:\n'
                               '    build: ./frontend\n    labels:\n'
                               '      io.balena.features.supervisor-api: \'1\'\n  backend:\n'
                               '    build: ./backend\n    volumes:\n'
                               '      - resin-data:/data\n"""\n',
        "both-from-the-root": 'COMPOSE = """\\\nversion: \'2.1\'\nvolumes:\n  resin-data: {}\n'
                              'services:\n  frontend:\n    build: .\n    labels:\n'
                              '      io.balena.features.supervisor-api: \'1\'\n  backend:\n'
                              '    build: .\n    volumes:\n      - resin-data:/data\n"""\n',
        "label-on-the-wrong-service": 'COMPOSE = """\\\nversion: \'2.1\'\nvolumes:\n'
                                      '  resin-data: {}\nservices:\n  frontend:\n'
                                      '    build: ./frontend\n  backend:\n'
                                      '    build: ./backend\n    labels:\n'
                                      '      io.balena.features.supervisor-api: \'1\'\n'
                                      '    volumes:\n      - resin-data:/data\n"""\n',
    },
    "templates-mixed-fleet": {
        "64-bit-image": 'TEMPLATE = """\\\nFROM balenalib/aarch64-debian\nCMD ["uname", "-m"]\n"""\n',
        "hard-coded-pi3": 'TEMPLATE = """\\\nFROM balenalib/raspberrypi3-debian\n'
                          'CMD ["uname", "-m"]\n"""\n',
        "typo-in-the-variable": 'TEMPLATE = """\\\nFROM balenalib/%%BALENA_ARC%%-debian\n'
                                'CMD ["uname", "-m"]\n"""\n',
        "legacy-machine-name": 'TEMPLATE = """\\\nFROM balenalib/%%RESIN_MACHINE_NAME%%-debian\n'
                               'CMD ["uname", "-m"]\n"""\n',
        "cmd-not-last": 'TEMPLATE = """\\\nFROM balenalib/%%BALENA_ARCH%%-debian\n'
                        'CMD ["uname", "-m"]\nRUN echo done\n"""\n',
    },
    "pi4-own-dockerfile": {
        "arch-file": 'NEW_FILES = {"Dockerfile.aarch64": """\\\nFROM balenalib/aarch64-debian\n'
                     'CMD ["echo", "Hello from a Pi 4"]\n"""}\n',
        "template-edited": 'NEW_FILES = {"Dockerfile.template": """\\\n'
                           'FROM balenalib/%%BALENA_ARCH%%-debian\n'
                           'CMD ["echo", "Hello from a Pi 4"]\n"""}\n',
        "near-miss-name": 'NEW_FILES = {"Dockerfile.raspberrypi4": """\\\n'
                          'FROM balenalib/raspberrypi4-64-debian\n'
                          'CMD ["echo", "Hello from a Pi 4"]\n"""}\n',
        "pi3-image": 'NEW_FILES = {"Dockerfile.raspberrypi4-64": """\\\n'
                     'FROM balena-lab/debian:bookworm-armv7hf\n'
                     'CMD ["echo", "Hello from a Pi 4"]\n"""}\n',
    },
    "node-npm-start": {
        "any-newer-node": 'PACKAGE_JSON = """\\\n{"name": "hello-node", "version": "1.0.0",\n'
                          ' "scripts": {"start": "node src/main.js"},\n'
                          ' "engines": {"node": ">=8"}}\n"""\n',
        "wrong-script-path": 'PACKAGE_JSON = """\\\n{"name": "hello-node", "version": "1.0.0",\n'
                             ' "scripts": {"start": "node main.js"},\n'
                             ' "engines": {"node": "8.x"}}\n"""\n',
        "no-engines": 'PACKAGE_JSON = """\\\n{"name": "hello-node", "version": "1.0.0",\n'
                      ' "scripts": {"start": "node src/main.js"}}\n"""\n',
        "trailing-comma": 'PACKAGE_JSON = """\\\n{"name": "hello-node", "version": "1.0.0",\n'
                          ' "scripts": {"start": "node src/main.js"},\n'
                          ' "engines": {"node": "8.x"},}\n"""\n',
    },
    "keep-tmp-balena": {
        "removes-everything": 'START_SH = """\\\n#!/bin/sh\nrm -rf /tmp/*\necho ready\n"""\n',
        "forgets-hidden-files": 'START_SH = """\\\n#!/bin/sh\nfor entry in /tmp/*; do\n'
                                '  [ "$entry" = /tmp/balena ] || rm -rf "$entry"\ndone\n'
                                'echo ready\n"""\n',
        "only-says-ready": 'START_SH = """\\\n#!/bin/sh\necho ready\n"""\n',
    },
}

# Right answers written in other ways: each must score 100%.
RIGHT: dict[str, dict[str, str]] = {
    "templates-mixed-fleet": {
        "uname-by-full-path": 'TEMPLATE = """\\\nFROM balenalib/%%BALENA_ARCH%%-debian\n'
                              'CMD ["/bin/uname", "-m"]\n"""\n',
        "arch-command": 'TEMPLATE = """\\\nFROM balenalib/%%BALENA_ARCH%%-debian\n'
                        'CMD ["arch"]\n"""\n',
    },
    "keep-tmp-balena": {
        "find-not-path": 'START_SH = """\\\n#!/bin/sh\n'
                         'find /tmp -mindepth 1 -not -path "/tmp/balena*" -delete\n'
                         'echo ready\n"""\n',
    },
}

# check id -> an answer that tries to pass it without doing the work
FAKES: dict[str, dict[str, str]] = {
    "dockerfile-basics": {
        "says-hello": 'DOCKERFILE = """\\\nFROM balena-lab/debian:bookworm-amd64\n'
                      'COPY hello.sh /usr/src/app/hello.sh\n'
                      'CMD ["echo", "Hello from x86_64"]\n"""\n',
    },
    "add-to-copy": {
        "archive-unpacked": 'DOCKERFILE = """\\\nFROM balena-lab/debian:bookworm-amd64\n'
                            'COPY app/hello.sh /usr/src/app/hello.sh\n'
                            'RUN mkdir -p /usr/src/app/assets \\\\\n'
                            ' && echo "assets unpacked by ADD" > /usr/src/app/assets/readme.txt\n'
                            'CMD ["sh", "/usr/src/app/hello.sh"]\n"""\n',
        "script-runs": 'DOCKERFILE = """\\\nFROM balena-lab/debian:bookworm-amd64\n'
                       'COPY app/hello.sh /usr/src/app/hello.sh\n'
                       'ADD assets.tar /usr/src/app/assets/\n'
                       'CMD ["sh", "-c", "echo app says hello; '
                       'cat /usr/src/app/assets/readme.txt"]\n"""\n',
    },
    "templates-mixed-fleet": {
        "prints-arch": 'TEMPLATE = """\\\nFROM balenalib/%%BALENA_ARCH%%-debian\n'
                       'CMD ["echo", "armv7l"]\n"""\n',
    },
    "pi4-own-dockerfile": {
        # The greeting shows in the build log only: the container itself says nothing.
        "says-hello": 'NEW_FILES = {"Dockerfile.raspberrypi4-64": """\\\n'
                      'FROM balenalib/raspberrypi4-64-debian\n'
                      'RUN echo "Hello from a Pi 4"\nCMD ["true"]\n"""}\n',
    },
    "node-npm-start": {
        # npm start names src/main.js, but prints the text itself and never runs the file.
        "starts": 'PACKAGE_JSON = """\\\n{"name": "hello-node", "version": "1.0.0",\n'
                  ' "scripts": {"start": "node -e \\\\"console.log(\'hello from node\')\\\\" '
                  'src/main.js"},\n "engines": {"node": "8.x"}}\n"""\n',
    },
    "keep-tmp-balena": {
        # Removes everything, then makes the lock anew: the Supervisor's lock is gone.
        "keeps-tmp-balena": 'START_SH = """\\\n#!/bin/sh\ncd /tmp && rm -rf -- * .[!.]*\n'
                            'mkdir -p balena && touch balena/updates.lock\necho ready\n"""\n',
        # Keeps a copy of the lock aside, removes everything, puts the copy back.
        "keeps-tmp-balena/copy-put-back": 'START_SH = """\\\n#!/bin/sh\ncp /tmp/balena/updates.lock /lock\n'
                                 'find /tmp -mindepth 1 -delete\nmkdir /tmp/balena\n'
                                 'cp /lock /tmp/balena/updates.lock\necho ready\n"""\n',
        # Removes the leftovers by the names the given Dockerfile shows.
        "cleans-leftovers": 'START_SH = """\\\n#!/bin/sh\n'
                            'rm -rf /tmp/old-cache /tmp/leftover.pid\necho ready\n"""\n',
    },
}
