# LA codes since 2021 are longer than 3 characters (ODS five-character codes; GSS codes
# stand in where the CASSR code is not yet known).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("store", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="localauthority",
            name="code",
            field=models.CharField(max_length=9, primary_key=True, serialize=False),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="la_code",
            field=models.CharField(blank=True, max_length=9),
        ),
    ]
