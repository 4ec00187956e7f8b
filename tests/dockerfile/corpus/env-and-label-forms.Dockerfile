FROM alpine
ENV A=1 B="two words" C=three\ words
ENV LEGACY value with spaces
LABEL "com.example.vendor"="ACME" version=1.0
