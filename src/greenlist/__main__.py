from greenlist.cli import main

main()
