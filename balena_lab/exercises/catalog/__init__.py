"""The exercises, one module each, in the order of the page's sections.

Importing this package registers them in :data:`balena_lab.exercises.core.EXERCISES`.
:func:`~..core.all_exercises` lists them in the order of their notebooks.
The checks live here, in the package, and never in a learner's notebook.
"""

from . import (
    add_to_copy,
    compose_services,
    dockerfile_basics,
    keep_tmp_balena,
    node_npm_start,
    pi4_dockerfile,
    templates_mixed_fleet,
)
