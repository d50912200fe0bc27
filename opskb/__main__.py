"""`python -m opskb <命令>`: see opskb/launcher.py (standard library only until .venv exists)."""

from opskb.launcher import main

raise SystemExit(main())
