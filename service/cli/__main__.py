"""`python -m service.cli`: how the service starts its own child processes."""

from service.cli import main

main()
