"""Checks a data scientist runs before pushing: lint, format, notebooks, tests.

A check is a list of steps (``model.Step``) built for one project (``project.Project``) by the
step factories registered in ``registry``; ``runner.run_steps`` runs them and returns one
``model.Report`` that ``report`` renders as a rich table or JSON. No typer here.
"""
