"""The Klass REST API (Statistics Norway's classification server) over katalog's
classifications, served at /api/klass/v1/ for Klass clients."""
