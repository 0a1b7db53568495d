# Connect: build, run, test, bench.  `make help` lists the targets.
CC      ?= cc
VERSION := 0.1.0
WARN    := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wformat=2 -Wvla -Wstrict-prototypes
OPT     ?= -O2 -g
ALL_CFLAGS = $(OPT) $(CFLAGS) -std=c11 -D_GNU_SOURCE $(WARN) $(INCLUDES) -DCONNECT_VERSION='"$(VERSION)"' -MMD -MP
# One library, package or source file a line, so that changes merge without conflicts.
LDLIBS  := \
           -lfcgi \
           -llmdb \
           -ljansson \
           -ljwt \
           -largon2 \
           -lcrypto \
           -lpthread \
           -lxlsxwriter \
           -lz \
           -loath \
           -lqrencode \
           -lzxcvbn \
           -lutf8proc \
           -lzip \
           -lhpdf \
    # (end of list)
BUILD   ?= build
BIN     ?= bin

PORT    ?= 8080
DATA    ?= var/demo
DEMO    ?= 1

# Debian packages: what building and running need (`make run` installs only these), and what the
# tests and the benchmark add (`make test`, `make bench`).
RUN_PKGS := \
    build-essential \
    pkg-config \
    libfcgi-dev \
    liblmdb-dev \
    lmdb-utils \
    libjansson-dev \
    libjwt-dev \
    libargon2-dev \
    libssl-dev \
    nginx-light \
    curl \
    libcurl4-openssl-dev \
    libxlsxwriter-dev \
    liboath-dev \
    libqrencode-dev \
    libzxcvbn-dev \
    libutf8proc-dev \
    libzip-dev \
    libhpdf-dev \
    fonts-dejavu-core \
    # (end of list)
TEST_PKGS := \
    clang \
    libclang-rt-dev \
    libcmocka-dev \
    wrk \
    python3 \
    chromium \
    python3-aiosmtpd \
    python3-openpyxl \
    poppler-utils \
    lintian \
    systemd \
    openssl \
    # (end of list)

STORE_SRC := \
    store/store_disclosure.c \
    store/disclosure_rules.c \
    store/store_transfer.c \
    store/store_mi_run.c \
    store/store.c \
    store/store_org.c \
    store/store_user.c \
    store/store_session.c \
    store/store_audit.c \
    store/store_audit_index.c \
    store/store_audit_runs.c \
    store/store_case.c \
    store/json_members.c \
    store/case_index.c \
    store/store_case_search.c \
    store/name_norm.c \
    store/text_norm.c \
    store/calendar.c \
    store/uk_time.c \
    store/store_outbox.c \
    store/store_work.c \
    store/store_recount.c \
    store/csv.c \
    store/store_register.c \
    store/store_lookup.c \
    store/store_facts.c \
    store/store_perf.c \
    store/case_enums.c \
    store/clock.c \
    store/store_upgrade.c \
    store/store_throttle.c \
    store/store_retention.c \
    store/store_compact.c \
    store/store_scrub.c \
    store/store_help.c \
    store/store_check.c \
    store/store_backup.c \
    store/nino.c \
    store/working_hours.c \
    store/store_nino.c \
    # (end of list)
AUTH_SRC := \
    auth/auth_password.c \
    auth/auth_jwt.c \
    auth/auth_random.c \
    auth/data_path.c \
    auth/auth_totp.c \
    # (end of list)
FCGI_SRC := \
    fcgi/disclosure_access.c \
    fcgi/h_disclosures.c \
    fcgi/h_disclosure_steps.c \
    fcgi/h_disclosure_files.c \
    fcgi/report_disclosures.c \
    fcgi/h_transfers.c \
    fcgi/h_mi_runs.c \
    fcgi/audit_queue.c \
    fcgi/audit_journal.c \
    fcgi/http.c \
    fcgi/json_in.c \
    fcgi/params.c \
    fcgi/router.c \
    fcgi/session.c \
    fcgi/record_cache.c \
    fcgi/row_cache.c \
    fcgi/access_log.c \
    fcgi/user_json.c \
    fcgi/h_common.c \
    fcgi/h_health.c \
    fcgi/h_auth.c \
    fcgi/mfa.c \
    fcgi/h_mfa.c \
    fcgi/h_me.c \
    fcgi/h_users.c \
    fcgi/h_orgs.c \
    fcgi/worker.c \
    fcgi/case_input.c \
    fcgi/case_view.c \
    fcgi/case_update.c \
    fcgi/case_access.c \
    fcgi/json_text.c \
    fcgi/ref_text.c \
    fcgi/case_summary_text.c \
    fcgi/case_view_text.c \
    fcgi/h_cases.c \
    fcgi/h_case_edit.c \
    fcgi/h_case_duplicate.c \
    fcgi/h_case_docs.c \
    fcgi/doc_file.c \
    fcgi/case_create.c \
    fcgi/h_cases_import.c \
    fcgi/rtpf_key.c \
    fcgi/h_rtpf.c \
    fcgi/work_rules.c \
    fcgi/work_view.c \
    fcgi/work_view_text.c \
    fcgi/work_list.c \
    fcgi/h_alerts.c \
    fcgi/h_queries.c \
    fcgi/h_home.c \
    fcgi/report.c \
    fcgi/report_labels.c \
    fcgi/report_out.c \
    fcgi/report_cases.c \
    fcgi/report_perf.c \
    fcgi/report_national.c \
    fcgi/council_places.c \
    fcgi/report_sla.c \
    fcgi/h_reports.c \
    fcgi/h_retention.c \
    fcgi/public_url.c \
    fcgi/cross_site.c \
    fcgi/access_refusal.c \
    fcgi/h_audit.c \
    fcgi/h_case_shared.c \
    fcgi/sar_data.c \
    fcgi/sar_pdf.c \
    fcgi/h_subject_access.c \
    fcgi/support_check.c \
    fcgi/h_help.c \
    fcgi/metrics.c \
    fcgi/h_metrics.c \
    fcgi/backup_job.c \
    fcgi/sd_notify.c \
    fcgi/nino_batch.c \
    fcgi/nino_results.c \
    fcgi/h_nino.c \
    fcgi/h_nino_closures.c \
    # (end of list)
CORE_OBJ  := $(patsubst %.c,$(BUILD)/%.o,$(STORE_SRC) $(AUTH_SRC))
FCGI_OBJ  := $(patsubst %.c,$(BUILD)/%.o,$(FCGI_SRC))
# The top of the house (store/ctl/): the operators' command line, the demo seeder and the synthetic-data
# generators. connectd never links them; connectctl and the unit tests do.
GEN_OBJ   := $(patsubst %.c,$(BUILD)/%.o,store/ctl/case_gen.c store/ctl/register_gen.c)
CTL_OBJ   := $(patsubst %.c,$(BUILD)/%.o,store/ctl/connectctl.c store/ctl/demo.c store/ctl/compact_request.c store/ctl/demo_disclosures.c store/ctl/demo_work.c store/ctl/demo_nino.c) $(GEN_OBJ)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BIN)/%,$(wildcard tests/unit/test_*.c))

# Email: the monthly summary and the message text go everywhere (unit-tested); the sender process and
# its SMTP client (libcurl) only into connectd.
CORE_OBJ  += $(BUILD)/store/store_summary.o
FCGI_OBJ  += $(BUILD)/fcgi/mail_message.o
MAIL_OBJ  := $(BUILD)/fcgi/mail_sender.o $(BUILD)/fcgi/mail_smtp.o
CURL_LIBS := $(shell pkg-config --libs libcurl 2>/dev/null || echo -lcurl)

.PHONY: all run test test-unit test-http test-browser test-asan test-fuzz test-deploy deb fuzz fuzz-build bench deps deps-run check-deps clean help
all: $(BIN)/connectd $(BIN)/connectctl

# Each layer sees only its own headers and those of the layers below it (auth/ < store/ < store/ctl/,
# fcgi/), so an include that runs back up fails to compile. The tests see everything.
INCLUDES := -Istore/ctl -Istore -Iauth -Ifcgi
$(BUILD)/auth/%.o: INCLUDES := -Iauth
$(BUILD)/store/%.o: INCLUDES := -Istore -Iauth
$(BUILD)/store/ctl/%.o: INCLUDES := -Istore/ctl -Istore -Iauth
$(BUILD)/fcgi/%.o: INCLUDES := -Ifcgi -Istore -Iauth

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BIN)/connectd: $(BUILD)/fcgi/connectd.o $(FCGI_OBJ) $(MAIL_OBJ) $(CORE_OBJ)
	@mkdir -p $(BIN)
	$(CC) $(OPT) $(LDFLAGS) $^ -o $@ $(LDLIBS) $(CURL_LIBS)

$(BIN)/connectctl: $(CTL_OBJ) $(CORE_OBJ)
	@mkdir -p $(BIN)
	$(CC) $(OPT) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BIN)/test_%: $(BUILD)/tests/unit/test_%.o $(CORE_OBJ) $(FCGI_OBJ) $(GEN_OBJ)
	@mkdir -p $(BIN)
	$(CC) $(OPT) $(LDFLAGS) $^ -o $@ $(LDLIBS) -lcmocka

help:
	@echo "make run    - install what is missing, build, start nginx + connectd on http://127.0.0.1:$(PORT)/"
	@echo "make test   - install what is missing, then unit, HTTP and browser tests, the Debian package, unit+HTTP under ASan/UBSan, fuzzers"
	@echo "make fuzz   - build the libFuzzer harnesses (tests/fuzz, clang ASan/UBSan) and run each for FUZZ_SECONDS (60)"
	@echo "make bench  - wrk against the running stack (see README)"
	@echo "make deb    - build connect_$(VERSION)_amd64.deb (README \"Deploying\")"

# Install missing Debian packages when root; otherwise print the command and stop.
# $(2): commands that must exist (node and npm may come from outside Debian's packages).
define install_missing
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	for c in $(2); do command -v $$c >/dev/null || missing="$$missing $$( [ $$c = node ] && echo nodejs || echo $$c )"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  else echo "Missing Debian packages. Run:  sudo apt-get install -y$$missing"; exit 1; fi; fi
endef

deps-run:
	$(call install_missing,$(RUN_PKGS))

deps: deps-run
	$(call install_missing,$(TEST_PKGS),node npm)
	@# The test packages again whenever the lock file changed since they were installed (a stamp of it).
	@cmp -s tests/package-lock.json tests/node_modules/.connect-lock 2>/dev/null || \
	  (cd tests && npm ci --no-audit --no-fund && cp package-lock.json node_modules/.connect-lock)

run: deps-run all
	PORT=$(PORT) DATA=$(DATA) DEMO=$(DEMO) bash nginx/serve.sh

test: deps
	$(MAKE) all
	$(MAKE) test-unit
	$(MAKE) test-fuzz
	$(MAKE) test-http
	$(MAKE) test-browser
	$(MAKE) test-deploy
	$(MAKE) test-asan

test-unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; CONNECT_ROOT=$(CURDIR) $$t; done

test-http: all
	cd tests && node --test --test-concurrency=1 http/

test-browser: all
	cd tests && node --test --test-concurrency=1 browser/

# The same unit and HTTP tests against binaries built with AddressSanitizer + UBSan.
test-asan:
	$(MAKE) BUILD=build/asan BIN=bin/asan CC=clang \
	  OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" bin/asan/connectd bin/asan/connectctl $(subst $(BIN)/,bin/asan/,$(UNIT_TESTS))
	@set -e; for t in $(subst $(BIN)/,bin/asan/,$(UNIT_TESTS)); do echo "== $$t (asan)"; CONNECT_ROOT=$(CURDIR) $$t; done
	cd tests && CONNECT_BIN=$(CURDIR)/bin/asan node --test --test-concurrency=1 http/

# libFuzzer harnesses (tests/fuzz/), built with clang under ASan/UBSan into build/fuzz and bin/fuzz. Each
# links only the objects it needs: FUZZ_DEPS_name lists them. `make fuzz` runs each for FUZZ_SECONDS
# over a scratch copy of its seed corpus (tests/fuzz/corpus/NAME/ is never written); a crash, leak,
# timeout or broken invariant fails the target and leaves the input in build/fuzz/crashes/.
FUZZ_NAMES := \
    csv \
    name_norm \
    jwt \
    doc_file \
    json_body \
    nino_results \
    json_members \
    # (end of list)
FUZZ_SECONDS ?= 60
FUZZ_DEPS_csv := store/csv
FUZZ_DEPS_name_norm := store/name_norm
FUZZ_DEPS_jwt := \
    auth/auth_jwt \
    auth/auth_random \
    # (end of list)
FUZZ_DEPS_doc_file := fcgi/doc_file
FUZZ_DEPS_json_members := store/json_members
FUZZ_DEPS_nino_results := \
    fcgi/nino_results \
    store/csv \
    store/nino \
    store/text_norm \
    # (end of list)
FUZZ_DEPS_json_body := \
    fcgi/json_in \
    fcgi/params \
    fcgi/case_input \
    fcgi/http \
    store/case_enums \
    store/uk_time \
    store/calendar \
    store/name_norm \
    store/text_norm \
    store/clock \
    store/store \
    store/json_members \
    auth/auth_random \
    # (end of list)
.SECONDARY: $(patsubst %,$(BUILD)/tests/fuzz/fuzz_%.o,$(FUZZ_NAMES))
.SECONDEXPANSION:
$(BIN)/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $$(addprefix $(BUILD)/,$$(addsuffix .o,$$(FUZZ_DEPS_$$*)))
	@mkdir -p $(BIN)
	$(CC) $(OPT) $(LDFLAGS) $^ -o $@ $(LDLIBS)

fuzz-build:
	$(MAKE) BUILD=build/fuzz BIN=bin/fuzz CC=clang \
	  OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=fuzzer,address,undefined" $(patsubst %,bin/fuzz/fuzz_%,$(FUZZ_NAMES))

fuzz: fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_NAMES)

# The same, a short while each (part of `make test`).
test-fuzz:
	$(MAKE) fuzz FUZZ_SECONDS=10

# The Debian package: the binaries built again with Debian's hardening flags (dpkg-buildflags) into
# bin/pkg, then nginx/package/build-deb.sh lays out the package and runs dpkg-deb.
DEB := connect_$(VERSION)_amd64.deb
deb:
	$(MAKE) BUILD=build/pkg BIN=bin/pkg \
	  OPT="-O2 -g $$(dpkg-buildflags --get CFLAGS) $$(dpkg-buildflags --get CPPFLAGS)" \
	  LDFLAGS="$$(dpkg-buildflags --get LDFLAGS) -Wl,-z,now" bin/pkg/connectd bin/pkg/connectctl
	bash nginx/package/build-deb.sh $(VERSION) bin/pkg $(DEB)

# The package installed into a scratch root and run from there as the user connect, behind the
# shipped nginx site over TLS; lintian and systemd-analyze on it (tests/deploy/).
test-deploy: deb
	cd tests && CONNECT_DEB=$(CURDIR)/$(DEB) node --test --test-concurrency=1 deploy/

bench: deps all
	bash tests/bench/bench.sh

clean:
	rm -rf build bin

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
