"""One module per CLI verb. Modules import only typer and the standard library at import
time; heavy dependencies are imported inside the command so ``scaffold --help`` stays fast."""
