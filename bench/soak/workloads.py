"""The traffic: each operation a client picks, with its weight, and what the answer must be."""

import uuid
from datetime import timedelta

from bench.soak.config import ADMIN, ATTRIBUTE_NAMES, HOT_LEARNER, WORKER
from bench.soak.states import GradeState

OP_WEIGHTS = {
    "award course": 20,
    "award program": 6,
    "revoke": 4,
    "change status": 4,
    "grade": 14,
    "hot award": 5,
    "list own": 7,
    "list as superuser": 6,
    "certificate page": 12,
    "records list": 3,
    "record page": 3,
    "record csv": 2,
    "share": 2,
    "shared page": 2,
    "shared csv": 2,
    "records api": 4,
    "health": 2,
}


class Workloads:
    """The operations of a Client (client.py), one method each; they call, write and acknowledge through it."""

    def award_course(self):
        username = self.random.choice(self.learners)
        configuration_id, run_key, _ = self.random.choice(self.world.course_configurations[:9])
        state = self.credential_state(username, "course", configuration_id)
        status = "revoked" if self.random.random() < 0.2 else "awarded"
        attributes = self.random_attributes()
        date = None
        if self.random.random() < 0.4:
            date = f"2024-{self.random.randint(1, 12):02d}-{self.random.randint(1, 28):02d}T00:00:00Z"
        body = {
            "username": username,
            "status": status,
            "credential": {"course_run_key": run_key, "mode": "verified", "type": "course-run"},
            "date_override": {"date": date} if date else None,
            "attributes": [{"name": name, "value": value} for name, value in attributes.items()],
        }
        response = self.post_credential("award course", state, body, attributes)
        if response is None:
            return
        state.date_override = date
        if response.json()["date_override"] != ({"date": date} if date else None):
            self.content_errors.append(f"award course: date_override {response.json()['date_override']} != {date}")

    def award_program(self):
        username = self.random.choice(self.learners)
        state = self.credential_state(username, "program", self.world.program_configuration_id)
        status = "revoked" if self.random.random() < 0.2 else "awarded"
        attributes = self.random_attributes()
        body = {
            "username": username,
            "lms_user_id": 1000 + self.world.learners.index(username),
            "status": status,
            "credential": {"type": "program", "program_uuid": self.world.program_uuid},
            "attributes": [{"name": name, "value": value} for name, value in attributes.items()],
        }
        self.post_credential("award program", state, body, attributes)

    def post_credential(self, op, state, body, attributes):
        """POST the credential as the LMS does; record what an acknowledgement says. The response, or None."""
        response, certain = self.write(
            op, "POST", "/api/v2/credentials/", expected=(201,), json=body, headers=self.auth(WORKER)
        )
        state.uncertain |= not certain
        if response is None:
            return None
        self.acknowledge(state, response.json())
        state.attributes.update(attributes)
        return response

    def random_attributes(self):
        names = self.random.sample(ATTRIBUTE_NAMES, self.random.randint(0, 3))
        return {name: f"{name}-{self.random.randint(0, 10**6)}" for name in names}

    def known_credential(self):
        known = [state for state in self.credentials.values() if state.uuid]
        return self.random.choice(known) if known else None

    def revoke(self):
        state = self.known_credential()
        if state is None:
            return self.award_course()
        response, certain = self.write(
            "revoke", "DELETE", f"/api/v2/credentials/{state.uuid}/", expected=(200,), headers=self.auth(ADMIN)
        )
        state.uncertain |= not certain
        if response is None:
            return
        self.acknowledge(state, response.json())

    def change_status(self):
        state = self.known_credential()
        if state is None:
            return self.award_program()
        status = self.random.choice(["awarded", "revoked"])
        response, certain = self.write(
            "change status",
            "PATCH",
            f"/api/v2/credentials/{state.uuid}/",
            expected=(200,),
            json={"status": status},
            headers=self.auth(WORKER),
        )
        state.uncertain |= not certain
        if response is None:
            return
        self.acknowledge(state, response.json())

    def grade(self):
        username = self.random.choice(self.learners)
        _, run_key, _ = self.random.choice(self.world.course_configurations)
        key = (username, run_key)
        state = self.grades.setdefault(key, GradeState(username, run_key))
        stale = state.updated_at is not None and not state.uncertain and self.random.random() < 0.15
        if stale:
            updated_at = state.updated_at - timedelta(minutes=self.random.randint(1, 600))
        else:
            self.clock += timedelta(seconds=1, microseconds=self.random.randint(0, 999_999))
            updated_at = self.clock
        percent = f"0.{self.random.randint(0, 9999):04d}"
        letter = self.random.choice(["A", "B", "C", ""])
        form = {
            "username": username,
            "course_run": run_key,
            "letter_grade": letter,
            "percent_grade": percent,
            "verified": "True",
            "lms_last_updated_at": str(updated_at),  # as the LMS sends it: str(datetime)
        }
        response, certain = self.write(
            "grade", "POST", "/api/v2/grades/", expected=(200, 201), data=form, headers=self.auth(WORKER)
        )
        state.uncertain |= not certain
        if response is None:
            return
        body = response.json()
        state.acknowledged += 1
        if stale:
            if response.status_code != 200 or body["percent_grade"] != state.percent:
                self.content_errors.append(f"stale grade for {key} answered {response.status_code} {body}")
            state.stale_ignored += 1
            return
        if response.status_code != 201:
            self.content_errors.append(f"fresh grade for {key} answered {response.status_code}")
        state.percent, state.letter, state.updated_at = percent, letter, updated_at

    def hot_award(self):
        body = {
            "username": HOT_LEARNER,
            "credential": {"course_run_key": self.world.hot_run_key, "mode": "verified"},
            "attributes": [{"name": "visible_date", "value": "2024-05-11T00:00:00Z"}],
        }
        response, _ = self.write(
            "hot award", "POST", "/api/v2/credentials/", expected=(201,), json=body, headers=self.auth(WORKER)
        )
        if response is not None:
            self.hot_uuids.add(response.json()["uuid"])
            self.hot_acknowledged += 1

    def list_own(self):
        self.list_credentials("list own", as_admin=False)

    def list_as_superuser(self):
        self.list_credentials("list as superuser", as_admin=True)

    def list_credentials(self, op, *, as_admin):
        """A learner's credentials, listed by the learner (a throttled API), or awarded ones by a superuser."""
        username = self.random.choice(self.learners)
        params = {"username": username, **({"status": "awarded"} if as_admin else {})}
        headers = self.auth(ADMIN if as_admin else username)
        response = self.call(
            op, "GET", "/api/v2/credentials/", expected=(200,), throttle_ok=not as_admin, params=params, headers=headers
        )
        if response is not None and response.status_code == 200:
            self.check_listing(username, response.json(), awarded_only=as_admin)

    def check_listing(self, username, body, *, awarded_only):
        """Read-your-writes: the list holds exactly this client's acknowledged credentials of the learner."""
        listed = {item["uuid"]: item for item in body["results"]}
        if any(item["username"] != username for item in listed.values()):
            self.leaks.append(f"list of {username} holds {sorted({i['username'] for i in listed.values()})}")
        for state in self.credentials.values():
            if state.username != username or state.uuid is None or state.uncertain:
                continue
            should_be_listed = state.status == "awarded" or not awarded_only
            if should_be_listed != (state.uuid in listed):
                self.content_errors.append(
                    f"list of {username}: {state.kind} {state.uuid} {state.status} listed={state.uuid in listed}"
                )
            elif state.uuid in listed and listed[state.uuid]["status"] != state.status:
                self.content_errors.append(
                    f"list of {username}: {state.uuid} is {listed[state.uuid]['status']}, last acknowledged {state.status}"
                )

    def certificate_page(self):
        state = self.known_credential()
        if state is None:
            return self.award_course()
        expected = self.expected_certificate_statuses(state)
        response = self.call("certificate page", "GET", f"/credentials/{uuid.UUID(state.uuid).hex}/", expected=expected)
        if response is not None and response.status_code == 200:
            name = self.world.full_names[state.username]
            if name not in response.text:
                self.content_errors.append(f"certificate {state.uuid} does not name {name}")

    def expected_certificate_statuses(self, state):
        """200 for an awarded, visible certificate, 404 otherwise; both when a write's effect is unknown."""
        if state.uncertain:
            return (200, 404)
        if state.status != "awarded":
            return (404,)
        if state.kind == "course":
            return (200,)
        # A program certificate is visible once the learner has a course credential (any status) in its runs.
        runs = {cid for cid, key, _ in self.world.course_configurations if key in self.world.program_run_keys}
        supporting = [
            s
            for s in self.credentials.values()
            if s.username == state.username and s.kind == "course" and s.configuration_id in runs
        ]
        if any(s.uncertain for s in supporting):
            return (200, 404)
        return (200,) if any(s.uuid for s in supporting) else (404,)

    def signed_in_learner(self):
        """(username, session) of one of this client's learners, signed in; None when signing in failed."""
        username = self.random.choice(self.learners)
        session = self.learner_session(username)
        return (username, session) if session is not None else None

    def learner_page(self, op, path):
        """(username, body) of a learner's own page answered 200; None otherwise (the call is recorded)."""
        learner = self.signed_in_learner()
        if learner is None:
            return None
        username, session = learner
        response = self.call(op, "GET", path, expected=(200,), session=session)
        if response is None or response.status_code != 200:
            return None
        return username, response.text

    def records_list(self):
        self.learner_page("records list", "/records/")

    def record_page(self):
        page = self.learner_page("record page", f"/records/programs/{uuid.UUID(self.world.program_uuid).hex}/")
        if page and self.world.full_names[page[0]] not in page[1]:
            self.content_errors.append(f"record page of {page[0]} does not name the learner")

    def record_csv(self):
        page = self.learner_page("record csv", f"/records/programs/{uuid.UUID(self.world.program_uuid).hex}/csv")
        if page and page[0] not in page[1]:
            self.content_errors.append(f"record CSV of {page[0]} does not name the learner")

    def share(self):
        learner = self.signed_in_learner()
        if learner is None:
            return
        username, session = learner
        if "credentials_csrftoken" not in session.cookies:
            self.call("csrf token", "GET", "/csrf/api/v1/token", expected=(200,), session=session)
        token = session.cookies.get("credentials_csrftoken", "")
        response, _ = self.write(
            "share",
            "POST",
            f"/records/programs/{uuid.UUID(self.world.program_uuid).hex}/share",
            expected=(200, 201),
            throttle_ok=True,
            session=session,
            json={"username": username},
            headers={"X-CSRFToken": token, "Referer": self.world.base_url + "/records/"},
        )
        if response is None:
            return
        record = response.json()["url"].rstrip("/").rsplit("/", 1)[-1]
        if self.shared.get(username, record) != record:
            self.content_errors.append(f"share of {username} answered {record}, earlier {self.shared[username]}")
        self.shared[username] = record

    def shared_page(self, csv=False):
        if not self.shared:
            return self.share()
        username, record = self.random.choice(sorted(self.shared.items()))
        path = f"/records/programs/shared/{record}/" + ("csv" if csv else "")
        response = self.call("shared csv" if csv else "shared page", "GET", path, expected=(200,))
        if response is not None and response.status_code == 200 and username not in response.text:
            self.content_errors.append(f"shared record {record} does not name {username}")

    def records_api(self):
        username = self.random.choice(self.learners)
        self.call(
            "records api", "GET", "/records/api/v1/program_records/", expected=(200,), headers=self.auth(username)
        )

    def health(self):
        self.call("health", "GET", "/health/", expected=(200,))
