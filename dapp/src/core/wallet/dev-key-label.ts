/** Every dev-key account name starts with this, so the UI can mark it wherever it appears. */
export const DEV_KEY_LABEL_PREFIX = 'DEV KEY';
