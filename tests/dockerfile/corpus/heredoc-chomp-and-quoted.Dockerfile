FROM alpine
RUN <<-'EOT' sh
	echo $HOME
	EOT
