"""A class on one server: learners' accounts (:mod:`.learners`), their copies of the
masterclass (:mod:`.workspace`) and JupyterHub serving them (:mod:`.hub`)."""
