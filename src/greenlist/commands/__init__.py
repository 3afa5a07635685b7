"""The command line (``greenlist <command>``): thin commands over the layers below, each with its
own arguments and Chinese messages. ``management/arguments.py`` holds the shared look-ups."""
