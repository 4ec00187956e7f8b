# The two commands of the README:
#   make masterclass   set everything up, then open the notebooks in JupyterLab
#   make test          set everything up, then run the whole test suite
# Setting up installs Debian packages and starts the Docker engine (as root,
# through sudo when you are not root), creates .venv with the package and its
# extras, installs the project's Jupyter kernel and makes the base images.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
KERNEL := balena-lab
CLASS_PREFIX ?= /opt/balena-lab
PYTEST_ARGS ?=

.PHONY: masterclass test setup engine images kernel oracle classroom doctor clean

masterclass: images kernel
	$(VENV)/bin/balena-lab doctor || true
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG) \
	    --MappingKernelManager.default_kernel_name=$(KERNEL)

test: images kernel oracle classroom
	$(PY) -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed kernel

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

kernel: $(VENV)/.installed
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) \
	    --display-name "Python (balena-lab)" >/dev/null

engine:
	$(SUDO) bash scripts/engine-up

images: $(VENV)/.installed engine
	$(SUDO) $(VENV)/bin/balena-lab images bootstrap --node --quiet

oracle:
	bash scripts/install-oracle.sh

# A class on one server: a venv every learner can run (not .venv, which may sit in a
# home only you can enter), with JupyterHub, the kernel and the proxy from npm.
classroom: engine
	$(SUDO) bash scripts/install-classroom.sh $(CLASS_PREFIX)

doctor: $(VENV)/.installed
	$(VENV)/bin/balena-lab doctor

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
