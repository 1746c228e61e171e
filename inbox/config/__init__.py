"""The person's configuration (config.json) and where the profile's files live."""
