from django_tasks_db.apps import TasksAppConfig


class TachesConfig(TasksAppConfig):
    """django-tasks-db's table of queued work, under a French name in the admin."""

    verbose_name = "File des tâches (messages aux habitants)"
