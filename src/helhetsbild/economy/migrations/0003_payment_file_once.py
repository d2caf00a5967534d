from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("economy", "0002_claim_comment_payment_file_once")]

    operations = [
        migrations.AddConstraint(
            model_name="paymentfile",
            constraint=models.UniqueConstraint(fields=("sha256",), name="payment_file_once"),
        ),
    ]
