"""The review settings: the day a review year starts and the council's default target share."""

import pytest

from core.config import ConfigError, finalise, from_environment


def _finalise(**settings):
    finalise({"CHARTERLINE_ENV": "testing", "SECRET_KEY": "x", "CHARTERLINE_CALENDAR": "uk",
              "SQLALCHEMY_DATABASE_URI": "sqlite://", **settings}, None)


@pytest.mark.parametrize("starts", ["13-01", "02-29", "April", "04"])
def test_a_year_start_that_is_not_a_day_of_the_year_is_refused(starts):
    with pytest.raises(ConfigError, match="CHARTERLINE_REVIEW_YEAR_STARTS must be a month and day as MM-DD"):
        _finalise(CHARTERLINE_REVIEW_YEAR_STARTS=starts)


@pytest.mark.parametrize("share", [0, 1.5, -0.1])
def test_a_default_share_outside_0_to_1_is_refused(share):
    with pytest.raises(ConfigError, match="CHARTERLINE_REVIEW_DEFAULT_SHARE must be a number above 0"):
        _finalise(CHARTERLINE_REVIEW_DEFAULT_SHARE=share)


def test_the_settings_are_read_from_the_environment():
    settings = from_environment({"CHARTERLINE_REVIEW_YEAR_STARTS": "01-01", "CHARTERLINE_REVIEW_DEFAULT_SHARE": "0.85"})
    assert settings == {"CHARTERLINE_REVIEW_YEAR_STARTS": "01-01", "CHARTERLINE_REVIEW_DEFAULT_SHARE": 0.85}
    _finalise(**settings)
    with pytest.raises(ConfigError, match="CHARTERLINE_REVIEW_DEFAULT_SHARE is not valid: 'most' is not a number"):
        from_environment({"CHARTERLINE_REVIEW_DEFAULT_SHARE": "most"})


@pytest.mark.parametrize("homes", [-1, 2.5, True])
def test_a_number_of_homes_that_is_not_a_whole_number_of_0_or_more_is_refused(homes):
    with pytest.raises(ConfigError, match="CHARTERLINE_HOMES must be a whole number of homes, 0 or more"):
        _finalise(CHARTERLINE_HOMES=homes)


def test_the_number_of_homes_is_read_from_the_environment():
    assert from_environment({"CHARTERLINE_HOMES": "5200"}) == {"CHARTERLINE_HOMES": 5200}
    _finalise(CHARTERLINE_HOMES=5200)
