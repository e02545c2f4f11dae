#include "caa/csv_reader.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/corpus_file.h"

namespace caawatch::caa {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

std::vector<std::vector<std::string>> ReadAll(absl::string_view text, CsvLimits limits = {}) {
  CsvReader reader(text, limits);
  std::vector<std::vector<std::string>> rows;
  while (true) {
    absl::StatusOr<std::optional<CsvRow>> row = reader.Next();
    EXPECT_TRUE(row.ok()) << row.status();
    if (!row.ok() || !row->has_value()) break;
    rows.push_back((*row)->fields);
  }
  return rows;
}

absl::Status FirstError(absl::string_view text, CsvLimits limits = {}) {
  CsvReader reader(text, limits);
  while (true) {
    absl::StatusOr<std::optional<CsvRow>> row = reader.Next();
    if (!row.ok()) return row.status();
    if (!row->has_value()) return absl::OkStatus();
  }
}

using testing::ReadCorpus;

TEST(CsvReaderTest, ReadsPlainRecordsSeparatedByLf) {
  EXPECT_THAT(ReadAll("a,b,c\n1,2,3\n"),
              ElementsAre(ElementsAre("a", "b", "c"), ElementsAre("1", "2", "3")));
}

TEST(CsvReaderTest, ReadsCrlfLineEndsWithoutKeepingTheCarriageReturn) {
  EXPECT_THAT(ReadAll("a,b\r\n1,2\r\n"), ElementsAre(ElementsAre("a", "b"), ElementsAre("1", "2")));
}

TEST(CsvReaderTest, AcceptsAMissingFinalLineEnd) {
  EXPECT_THAT(ReadAll("a,b\r\n1,2"), ElementsAre(ElementsAre("a", "b"), ElementsAre("1", "2")));
}

TEST(CsvReaderTest, KeepsEmptyFieldsIncludingATrailingOne) {
  EXPECT_THAT(ReadAll(",x,\n"), ElementsAre(ElementsAre("", "x", "")));
  EXPECT_THAT(ReadAll("a,"), ElementsAre(ElementsAre("a", "")));
}

TEST(CsvReaderTest, QuotedFieldsHoldCommasDoubledQuotesAndLineBreaks) {
  EXPECT_THAT(
      ReadAll("\"DigiCert, Inc.\",\"say \"\"hi\"\"\",\"line1\r\nline2\nline3\"\r\nnext,row\r\n"),
      ElementsAre(ElementsAre("DigiCert, Inc.", "say \"hi\"", "line1\r\nline2\nline3"),
                  ElementsAre("next", "row")));
}

TEST(CsvReaderTest, RecordLineNumbersCountLineBreaksInsideQuotedFields) {
  CsvReader reader("h\n\"a\nb\nc\"\nlast\n");
  std::vector<size_t> lines;
  while (true) {
    absl::StatusOr<std::optional<CsvRow>> row = reader.Next();
    ASSERT_TRUE(row.ok()) << row.status();
    if (!row->has_value()) break;
    lines.push_back((*row)->line);
  }
  EXPECT_THAT(lines, ElementsAre(1, 2, 5));
}

TEST(CsvReaderTest, SkipsAByteOrderMarkAndBlankLines) {
  EXPECT_THAT(ReadAll("\xEF\xBB\xBFOwner,x\n\r\n\n1,2\n\n"),
              ElementsAre(ElementsAre("Owner", "x"), ElementsAre("1", "2")));
}

TEST(CsvReaderTest, RejectsAnUnterminatedQuotedFieldNamingTheLineItStarts) {
  const absl::Status status = FirstError("a,b\n1,\"open\nstill open\n");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("line 2"));
  EXPECT_THAT(status.message(), HasSubstr("not closed"));
}

TEST(CsvReaderTest, RejectsTextAfterAClosingQuote) {
  const absl::Status status = FirstError("a\n\"x\"y\n");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("line 2"));
}

TEST(CsvReaderTest, RejectsAQuoteInsideAnUnquotedField) {
  const absl::Status status = FirstError("a\nb\nsay \"hi\"\n");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("line 3"));
}

TEST(CsvReaderTest, RejectsAnOversizeFieldQuotedOrNot) {
  CsvLimits limits;
  limits.max_field_bytes = 8;
  EXPECT_TRUE(FirstError("12345678,\"12345678\"\n", limits).ok());
  absl::Status unquoted = FirstError("ok\n123456789\n", limits);
  EXPECT_EQ(unquoted.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unquoted.message(), HasSubstr("line 2"));
  EXPECT_THAT(unquoted.message(), HasSubstr("longer than 8 bytes"));
  absl::Status quoted = FirstError("ok\n\"1234\n56789\"\n", limits);
  EXPECT_EQ(quoted.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(quoted.message(), HasSubstr("line 2"));
}

TEST(CsvReaderTest, RejectsTooManyFieldsAndTooManyRecords) {
  CsvLimits limits;
  limits.max_fields_per_row = 3;
  limits.max_rows = 2;
  EXPECT_THAT(FirstError("a,b,c,d\n", limits).message(), HasSubstr("more than 3 fields"));
  EXPECT_THAT(FirstError("a\nb\nc\n", limits).message(), HasSubstr("more than 2 records"));
}

TEST(CsvReaderTest, KeepsReturningTheSameErrorAfterAFailure) {
  CsvReader reader("\"x\"y\nfine\n");
  const absl::Status first = reader.Next().status();
  EXPECT_FALSE(first.ok());
  EXPECT_EQ(reader.Next().status(), first);
}

TEST(CsvTableTest, RejectsARaggedRowWithItsLineNumber) {
  absl::StatusOr<CsvTable> table = ReadCsvTable("a,b,c\n1,2,3\n\"multi\nline\",2,3\n1,2\n");
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(table.status().message(), HasSubstr("line 5: 2 fields, the header has 3"));
}

TEST(CsvTableTest, RejectsAnEmptyText) {
  EXPECT_EQ(ReadCsvTable("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CsvTableTest, FindsColumnsByNameIgnoringCaseAndSpaces) {
  absl::StatusOr<CsvTable> table = ReadCsvTable(" Subject ,Recognized CAA Domains\nx,y\n");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->Column("recognized caa domains"), 1u);
  EXPECT_EQ(table->Column("Subject"), 0u);
  EXPECT_EQ(table->Column("CA Owner"), std::nullopt);
}

TEST(CsvTableTest, ParsesTheRealCcadbCertificateRecordsSample) {
  absl::StatusOr<CsvTable> table =
      ReadCsvTable(ReadCorpus("ccadb/ccadb-utils-samples/AllCertificateRecordsCSVFormat.test.csv"));
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->header, SizeIs(79));
  ASSERT_FALSE(table->rows.empty());
  const CsvRow& first = table->rows.front();
  EXPECT_EQ(first.fields[*table->Column("CA Owner")], "QuoVadis");
  EXPECT_EQ(first.fields[*table->Column("Subject Key Identifier")], "7RAkwGs8hi1E+nylj8w5J87dR7c=");
  // A doubled quote inside a quoted field: ["http://..."].
  EXPECT_THAT(first.fields[*table->Column("JSON Array of Partitioned CRLs")],
              ::testing::StartsWith("[\"http://crl.digicert.eu/"));
}

TEST(CsvTableTest, ParsesTheRealIncludedRootsSampleWithMultiLinePemFields) {
  absl::StatusOr<CsvTable> table = ReadCsvTable(
      ReadCorpus("ccadb/ccadb-utils-samples/IncludedCACertificateReportPEMCSV.test.csv"));
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_FALSE(table->rows.empty());
  const std::optional<size_t> pem = table->Column("PEM Info");
  ASSERT_TRUE(pem.has_value());
  for (const CsvRow& row : table->rows) {
    EXPECT_THAT(row.fields[*pem], HasSubstr("-----BEGIN CERTIFICATE-----"));
    EXPECT_THAT(row.fields[*pem], HasSubstr("\n"));
  }
  EXPECT_EQ(table->rows.front().fields[*table->Column("Common Name or Certificate Name")],
            "ISRG Root X1");
}

TEST(CsvTableTest, ParsesTheCrtShPemReportWithHundredsOfQuotedMultiLineFields) {
  absl::StatusOr<CsvTable> table =
      ReadCsvTable(ReadCorpus("ccadb/crtsh/AllCertificatePEMsCSVFormat_NotBeforeYear_2025.csv"));
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->header, ElementsAre("SHA-256 Fingerprint", "X.509 Certificate (PEM)"));
  EXPECT_GT(table->rows.size(), 100u);
}

}  // namespace
}  // namespace caawatch::caa
