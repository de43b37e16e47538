from serverlite.cli import main

main()
