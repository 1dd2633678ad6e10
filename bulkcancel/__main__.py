"""``python -m bulkcancel`` is the ``bulkcancel`` command."""

from bulkcancel.cli import main

main()
