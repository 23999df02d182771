import pytest

from cld.privacy.tracing.config import DEFAULT, TracingConfigError, load_config


def test_shipped_config_loads():
    cfg = load_config()
    assert cfg.version >= 1 and cfg.probabilistic.threshold > 0
    assert cfg.probabilistic.margin > 0


@pytest.mark.parametrize(("old", "new", "key"), [
    ("  threshold: 10.0", "  threshold: 10.0\n  thresold: 3", "probabilistic.thresold"),
    ("  margin: 6.0", "  margin: -1", "probabilistic.margin"),
    ("      swapped: [0.04, 0.00002]", "      swapped: [1.5, 0.00002]",
     "probabilistic.comparisons.dob.swapped"),
    ("      exact: [0.97, 0.5]\n", "", "probabilistic.comparisons.sex"),
    ("  training: fixed\n  em_blocking_rules:\n    - \"l.dob = r.dob\"",
     "  training: em\n  em_blocking_rules: []\n  x:\n    - \"l.dob = r.dob\"",
     "probabilistic.x"),  # an unknown key

    ("  training: fixed", "  training: guess", "probabilistic.training"),
])
def test_errors_name_file_and_key(tmp_path, old, new, key):
    text = DEFAULT.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "tracing.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(TracingConfigError) as e:
        load_config(bad)
    assert str(bad) in str(e.value) and f"key {key}" in str(e.value)


def test_unreadable_yaml(tmp_path):
    bad = tmp_path / "tracing.yaml"
    bad.write_text("version: [1\n", encoding="utf-8")
    with pytest.raises(TracingConfigError, match="cannot be read as YAML"):
        load_config(bad)


def test_em_needs_rules(tmp_path):
    import yaml

    data = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    data["probabilistic"] |= {"training": "em", "em_blocking_rules": []}
    bad = tmp_path / "tracing.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(TracingConfigError, match="key probabilistic.em_blocking_rules: EM"):
        load_config(bad)
