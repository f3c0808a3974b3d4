package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.DisclosedRecord;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;

/** RFC 4180 CSV of disclosed records: a header row of field names, CRLF line ends, fields quoted when needed. */
final class Csv {
    private static final RecordComponent[] COLUMNS = DisclosedRecord.class.getRecordComponents();

    private Csv() {
    }

    static String of(List<DisclosedRecord> records) {
        StringBuilder out = new StringBuilder(128 * (records.size() + 1));
        for (int i = 0; i < COLUMNS.length; i++) {
            out.append(i == 0 ? "" : ",").append(COLUMNS[i].getName());
        }
        out.append("\r\n");
        for (DisclosedRecord r : records) {
            for (int i = 0; i < COLUMNS.length; i++) {
                Object v = value(COLUMNS[i], r);
                out.append(i == 0 ? "" : ",").append(v == null ? "" : quote(v.toString()));
            }
            out.append("\r\n");
        }
        return out.toString();
    }

    /** RFC 4180 §2: fields with commas, quotes or line breaks are quoted, quotes doubled. */
    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static Object value(RecordComponent c, DisclosedRecord r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("record accessor " + c.getName() + " not callable", e);
        }
    }
}
