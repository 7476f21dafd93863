"""``python -m scaffold``: a Ctrl-C while scaffold's own modules load ends in one line too."""

try:
    from scaffold.entry import main

    main()  # inside the try: a Ctrl-C before main() installs its handlers is caught here
except KeyboardInterrupt:  # before scaffold.entry could install its handlers
    import sys

    sys.stderr.write("error: interrupted; nothing was left half-written\n")
    raise SystemExit(130) from None
