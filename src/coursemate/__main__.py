from coursemate.cli import main

raise SystemExit(main())
