"""Evidence files: checked by content, limited in number and size, stored under random names outside static/."""

import io
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from core.models import Role
from feedback import uploads
from feedback.models import Attachment, FeedbackDraft
from feedback.uploads import DOC, DOCX, JPEG, MAX_BYTES, PDF, PNG, UploadError, check_and_store, detect_type
from tests.feedback import files
from tests.feedback.journey import walk
from tests.helpers import make_feedback, page


@pytest.mark.parametrize("content, expected", [
    (files.PDF, PDF), (files.PNG, PNG), (files.JPEG, JPEG), (files.DOC, DOC), (files.docx(), DOCX),
    (files.EXE, None), (files.plain_zip(), None), (b"just some text", None), (b"PK\x03\x04broken", None),
])
def test_type_comes_from_the_content(content, expected):
    assert detect_type(content) == expected


def evidence_page(client):
    walk(client, send=False)
    return client


def post_files(client, *uploads, url="/feedback/evidence"):
    return client.post(url, data={"files": list(uploads)}, content_type="multipart/form-data")


def error_messages(response) -> list[str]:
    return [a.get_text(strip=True) for a in page(response).select(".govuk-error-summary a")]


def test_files_are_stored_under_random_names_and_listed(client, db, charter, upload_dir):
    evidence_page(client)
    response = post_files(client, files.upload(files.PNG, "photo of bin.png"),
                          files.upload(files.docx(), "letter.docx"))
    assert response.status_code == 302
    draft = db.session.scalar(select(FeedbackDraft))
    stored = [u["stored_name"] for u in draft.uploads]
    assert sorted(p.name for p in upload_dir.iterdir()) == sorted(stored)
    assert all(len(name) == 32 and name.isalnum() for name in stored)
    soup = page(client.get("/feedback/evidence"))
    assert "photo of bin.png" in soup.get_text() and "letter.docx" in soup.get_text()
    client.post("/feedback/check", data={"website": ""})
    attachments = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [(a.original_name, a.content_type) for a in attachments] == [("photo of bin.png", PNG),
                                                                        ("letter.docx", DOCX)]


def test_a_file_renamed_to_look_like_a_pdf_is_refused(client, charter, upload_dir):
    evidence_page(client)
    assert error_messages(post_files(client, files.upload(files.EXE, "invoice.pdf"))) == [
        "invoice.pdf must be a PDF, JPEG, PNG or Word document"]
    assert not upload_dir.exists() or not any(upload_dir.iterdir())


def test_a_file_over_10mb_is_refused():
    just_over = FileStorage(io.BytesIO(files.PDF + b"0" * (MAX_BYTES - len(files.PDF) + 1)), "scan.pdf")
    with pytest.raises(UploadError, match="^scan.pdf must be smaller than 10MB$"):
        check_and_store(just_over)


def test_a_file_over_the_limit_is_refused_on_the_page(client, charter, monkeypatch):
    # The test client spools big bodies to unclosed temporary files, so the page is tested with a smaller limit.
    monkeypatch.setattr(uploads, "MAX_BYTES", 1024)
    evidence_page(client)
    big = files.PDF + b"0" * 1024
    assert error_messages(post_files(client, files.upload(big, "scan.pdf"))) == ["scan.pdf must be smaller than 10MB"]


def test_an_empty_file_is_refused(client, charter):
    evidence_page(client)
    assert error_messages(post_files(client, files.upload(b"", "empty.pdf"))) == ["empty.pdf is empty"]


def test_more_than_five_files_are_refused(client, db, charter):
    evidence_page(client)
    six = [files.upload(files.PNG, f"photo{n}.png") for n in range(6)]
    assert error_messages(post_files(client, *six)) == ["Select up to 5 files"]
    post_files(client, *[files.upload(files.PNG, f"photo{n}.png") for n in range(4)])
    two_more = [files.upload(files.PNG, "a.png"), files.upload(files.PNG, "b.png")]
    assert error_messages(post_files(client, *two_more)) == ["You can only add 1 more file"]
    assert len(db.session.scalar(select(FeedbackDraft)).uploads) == 4


def test_upload_without_choosing_a_file_asks_for_one(client, charter):
    evidence_page(client)
    assert error_messages(post_files(client)) == ["Select a file to upload"]


def test_good_files_are_kept_when_another_is_refused(client, db, charter):
    evidence_page(client)
    response = post_files(client, files.upload(files.PNG, "ok.png"), files.upload(files.EXE, "bad.doc"))
    assert error_messages(response) == ["bad.doc must be a PDF, JPEG, PNG or Word document"]
    assert [u["original_name"] for u in db.session.scalar(select(FeedbackDraft)).uploads] == ["ok.png"]


def test_a_file_can_be_removed_before_sending(client, db, charter, upload_dir):
    evidence_page(client)
    post_files(client, files.upload(files.PNG, "wrong.png"))
    stored = db.session.scalar(select(FeedbackDraft)).uploads[0]["stored_name"]
    response = client.post("/feedback/evidence/remove", data={"stored_name": stored})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(FeedbackDraft)).uploads == []
    assert not (upload_dir / stored).exists()


def test_only_the_draft_own_files_can_be_removed(client, db, charter, upload_dir):
    evidence_page(client)
    upload_dir.mkdir(parents=True, exist_ok=True)
    (upload_dir / "someoneelse").write_bytes(b"x")
    client.post("/feedback/evidence/remove", data={"stored_name": "someoneelse"})
    assert (upload_dir / "someoneelse").exists()


def test_uploads_are_never_under_static(app, upload_dir):
    assert Path(app.static_folder) not in upload_dir.parents


def test_staff_download_files_as_attachments_only(client, db, login_as, upload_dir):
    upload_dir.mkdir(parents=True, exist_ok=True)
    (upload_dir / ("a" * 32)).write_bytes(files.PDF)
    item = make_feedback()
    attachment = Attachment(feedback_id=item.id, original_name="evidence.pdf", stored_name="a" * 32,
                            content_type=PDF, size=len(files.PDF))
    db.session.add(attachment)
    db.session.commit()
    url = f"/staff/feedback/{item.reference}/files/{attachment.id}"
    login_as(Role.VIEWER)
    assert client.get(url).status_code == 403
    login_as(Role.CASE_HANDLER)
    with client.get(url) as response:
        assert response.status_code == 200 and response.data == files.PDF
        assert response.headers["Content-Type"] == PDF
        assert response.headers["Content-Disposition"].startswith("attachment;")
    other = make_feedback()
    assert client.get(f"/staff/feedback/{other.reference}/files/{attachment.id}").status_code == 404


def test_query_words_other_than_change_are_left_out_of_the_remove_form_and_its_answer(client, db, charter, upload_dir):
    evidence_page(client)
    post_files(client, files.upload(files.PNG, "wrong.png"))
    soup = page(client.get("/feedback/evidence?change=1&endpoint=x&_anchor=y"))
    [remove] = soup.select("form[action^='/feedback/evidence/remove']")
    assert remove["action"] == "/feedback/evidence/remove?change=1"
    assert all(form["action"].endswith("?change=1") for form in soup.select("main form"))
    stored = db.session.scalar(select(FeedbackDraft)).uploads[0]["stored_name"]
    response = client.post("/feedback/evidence/remove?change=1&endpoint=x", data={"stored_name": stored})
    assert (response.status_code, response.location) == (302, "/feedback/evidence?change=1")
