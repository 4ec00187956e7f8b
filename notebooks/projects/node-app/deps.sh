# Run by npm as the preinstall script, at build time, inside the container (as root).
echo "preinstall: running on $(uname -m) while the image is built" > /usr/src/app/preinstall.txt
