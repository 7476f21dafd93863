"""Keeping a generated project in step with its template: versions, drift, 3-way updates.

Importable without typer; the commands in ``scaffold.commands.update`` and ``.drift`` only
parse options and render the results built here.
"""
