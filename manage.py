#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citeslab.settings")
    # manage.py is the developer's entry point: debug unless told otherwise. Production serves through
    # citeslab/wsgi.py, which has no such default, and sets DJANGO_DEBUG=0 for its own commands.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
