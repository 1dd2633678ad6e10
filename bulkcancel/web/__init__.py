"""The upload page: back-office staff upload a sheet, check it, confirm, watch and download.

A Starlette application on loopback (``bulkcancel serve``) over the same library as the
CLI: ``pipeline.validate`` for the check, ``pipeline.run`` for the job (in a worker thread,
one at a time per journal), ``pipeline.run_history`` and ``pipeline.report`` for history.
"""
