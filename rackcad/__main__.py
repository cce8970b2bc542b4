from rackcad.cli.main import main

raise SystemExit(main())
