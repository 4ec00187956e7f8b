# Reference solution of the exercise node-npm-start.
# %% [answer-package-json]
PACKAGE_JSON = """\
{
  "name": "hello-node",
  "version": "1.0.0",
  "scripts": {"start": "node src/main.js"},
  "engines": {"node": "8.x"}
}
"""
