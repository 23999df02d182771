from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0002_dissemination"),
    ]

    operations = [
        migrations.AddField(
            model_name="upload",
            name="started_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="upload",
            name="task_id",
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
