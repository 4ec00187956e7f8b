FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /app .

FROM alpine
COPY --from=build /app /app
CMD ["/app"]
