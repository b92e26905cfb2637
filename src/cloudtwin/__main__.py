"""``python -m cloudtwin`` runs the command line."""

from cloudtwin.cli import main

raise SystemExit(main())
