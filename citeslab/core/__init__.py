"""The kernel every app may use: French formats, phone numbers, client address, audit log, admin base classes,
streaming exports, spreadsheet imports, JSON-LD, the public-page cache and the personal-data registry.

It imports Django and third-party packages only, never an app of the project (an import-linter contract in
`make test` holds that), so any app can build on it without pulling in the others.
"""
