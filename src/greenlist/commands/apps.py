from django.apps import AppConfig


class CommandsConfig(AppConfig):
    name = "greenlist.commands"
    label = "commands"
    verbose_name = "命令行"
