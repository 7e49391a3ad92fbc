# The question tree is replaced by causes ranked by evidence (0006). Its content is
# loaded again from the content fixture by `manage.py load_content`.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("troubleshooter", "0004_problem_goodwill_letter_note"),
        ("guides", "0003_drop_old_diagnosis_links"),
    ]

    operations = [
        migrations.RemoveField(model_name="problem", name="start_question"),
        migrations.RemoveField(model_name="symptom", name="implies_answer"),
        migrations.DeleteModel(name="OutcomeFeedback"),
        migrations.DeleteModel(name="Answer"),
        migrations.DeleteModel(name="Question"),
        migrations.DeleteModel(name="OutcomeGuide"),
        migrations.DeleteModel(name="Outcome"),
        migrations.RemoveField(model_name="cause", name="symptoms"),
        migrations.DeleteModel(name="CauseSymptom"),
        migrations.DeleteModel(name="Cause"),
        migrations.DeleteModel(name="Symptom"),
    ]
