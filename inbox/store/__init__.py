"""The shared store: models, migrations, the write service, the change feed, engine setup."""
