from observatory.cli.app import main

main()
