"""The hash chain's fields, the head row and the review sign-off. The sequence number is left
nullable here: 0003 numbers the rows written before the chain existed, 0004 makes it required."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

GENESIS = "0" * 64


class Migration(migrations.Migration):
    dependencies = [
        ("accesslog", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="accessevent",
            options={
                "ordering": ["-sequence"],
                "verbose_name": "åtkomsthändelse",
                "verbose_name_plural": "åtkomstlogg",
            },
        ),
        migrations.AddField(
            model_name="accessevent",
            name="sequence",
            field=models.PositiveBigIntegerField(null=True, unique=True, verbose_name="nr"),
        ),
        migrations.AddField(
            model_name="accessevent",
            name="username",
            field=models.CharField(default="", max_length=150, verbose_name="användarnamn"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="accessevent",
            name="previous_hash",
            field=models.CharField(
                default="", max_length=64, verbose_name="föregående posts kontrollsumma"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="accessevent",
            name="entry_hash",
            field=models.CharField(default="", max_length=64, verbose_name="kontrollsumma"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="accessevent",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, verbose_name="tid"
            ),
        ),
        migrations.CreateModel(
            name="LogChain",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("head_sequence", models.PositiveBigIntegerField(default=0)),
                ("head_hash", models.CharField(default=GENESIS, max_length=64)),
                ("anchor_sequence", models.PositiveBigIntegerField(default=0)),
                ("anchor_hash", models.CharField(default=GENESIS, max_length=64)),
                ("anchored_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "loggkedja",
                "verbose_name_plural": "loggkedja",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="logchain_single_row"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ReviewSignoff",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(unique=True, verbose_name="månad")),
                ("sample", models.JSONField(verbose_name="stickprov")),
                ("reviewed", models.JSONField(verbose_name="granskade poster")),
                ("comment", models.TextField(blank=True, verbose_name="kommentar")),
                (
                    "reviewed_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="granskad"
                    ),
                ),
                ("head_sequence", models.PositiveBigIntegerField()),
                ("head_hash", models.CharField(max_length=64)),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "granskning av stickprov",
                "verbose_name_plural": "granskningar av stickprov",
                "ordering": ["-month"],
            },
        ),
    ]
