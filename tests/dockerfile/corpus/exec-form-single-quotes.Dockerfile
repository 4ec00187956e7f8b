FROM alpine
CMD ['python3', 'app.py']
