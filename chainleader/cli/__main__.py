from chainleader.cli import main

main()
