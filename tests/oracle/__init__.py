"""Differential tests against balena's own resolver (@balena/compose 8.0.5, via Node.js)."""
