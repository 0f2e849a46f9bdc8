// Texts of customer uploads (upload.js, document-proof.js): why a file cannot be uploaded, as
// checked in the browser and as the bucket answers. They are here and not in strings-de.js /
// strings-en.js because that code is loaded only when someone uploads a file. PAGE_LANG is set
// per bundle by `make site` (esbuild --define), so each language's bundle carries only its own
// texts. `{name}` is the file's name.
export default PAGE_LANG === "en"
  ? {
      uploading: "Uploading …",
      wrong_type: "“{name}” cannot be uploaded: only PDF, PNG and JPEG files are accepted. Please choose a file in one of these formats, for example a scan as PDF or a photo as JPEG.",
      too_large: "“{name}” is larger than 10 MB. Please upload a smaller file, for example a scan at a lower resolution or only the pages that matter.",
      empty: "“{name}” is empty. Please choose the file again.",
      bucket_too_large: "The file was refused because it is larger than 10 MB. Please upload a smaller file, for example a scan at a lower resolution.",
      bucket_empty: "The file was refused because it is empty. Please choose the file again.",
      bucket_type: "The file was refused: only PDF, PNG and JPEG files are accepted.",
      bucket_expired: "The permission to upload has expired in the meantime. Please try again.",
      bucket_other: "The file was refused (error code: {code}). Please try again; if it keeps happening, write to us on the Requests page and mention the error code.",
    }
  : {
      uploading: "Wird hochgeladen …",
      wrong_type: "„{name}“ lässt sich nicht hochladen: Möglich sind nur PDF-, PNG- und JPEG-Dateien. Bitte wählen Sie eine Datei in einem dieser Formate, zum Beispiel einen Scan als PDF oder ein Foto als JPEG.",
      too_large: "„{name}“ ist größer als 10 MB. Bitte laden Sie eine kleinere Datei hoch, zum Beispiel einen Scan mit geringerer Auflösung oder nur die nötigen Seiten.",
      empty: "„{name}“ ist leer. Bitte wählen Sie die Datei noch einmal aus.",
      bucket_too_large: "Die Datei wurde abgelehnt, weil sie größer als 10 MB ist. Bitte laden Sie eine kleinere Datei hoch, zum Beispiel einen Scan mit geringerer Auflösung.",
      bucket_empty: "Die Datei wurde abgelehnt, weil sie leer ist. Bitte wählen Sie die Datei noch einmal aus.",
      bucket_type: "Die Datei wurde abgelehnt: Möglich sind nur PDF-, PNG- und JPEG-Dateien.",
      bucket_expired: "Die Erlaubnis zum Hochladen ist inzwischen abgelaufen. Bitte versuchen Sie es noch einmal.",
      bucket_other: "Die Datei wurde abgelehnt (Fehlercode: {code}). Bitte versuchen Sie es noch einmal. Klappt es weiterhin nicht, schreiben Sie uns auf der Seite „Anfragen“ und nennen Sie den Fehlercode.",
    };
