FROM alpine
RUN cat <<EOF > /etc/motd && echo ${X:-y}
hello
EOF
