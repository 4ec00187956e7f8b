# Reference solution of the exercise compose-services.
# %% [answer-compose]
COMPOSE = """\
version: '2.1'
volumes:
  resin-data: {}
services:
  frontend:
    build: ./frontend
    labels:
      io.balena.features.supervisor-api: '1'
  backend:
    build:
      context: backend
    volumes:
      - 'resin-data:/data'
"""
