# The diagnosis moved from a question tree to causes ranked by evidence, in versions
# (troubleshooter 0005-0006). Guides no longer link causes directly (a cause's outcome
# links its guides), and goodwill requests point at the new causes (their text keeps
# what the diagnosis found).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("guides", "0002_dealer_goodwillrequest"),
        ("troubleshooter", "0004_problem_goodwill_letter_note"),
    ]

    operations = [
        migrations.RemoveField(model_name="repairguide", name="causes"),
        migrations.RemoveField(model_name="goodwillrequest", name="outcome"),
    ]
