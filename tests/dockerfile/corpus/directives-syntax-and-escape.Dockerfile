# syntax=docker/dockerfile:1
# escape=`
FROM mcr.microsoft.com/windows/servercore
RUN dir c:\ `
    && echo done
