"""``scaffold doctor``: audit repositories against the ways of working and score them.

``audit(path)`` checks one repository with every rule of ``registry.RULES`` and returns a
``RepoReport``; ``report`` renders reports as rich tables or JSON. No typer here.
"""
