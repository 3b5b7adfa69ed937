export { captureConsole, installCrashHandlers, type CrashReport } from './crash-handlers'
export { createLogger, LOG_FILE, logsFolder, type LogContext, type Logger, type LoggerOptions, type LogLevel } from './logger'
export { makeRedactor, SECRET_ENV_NAME, secretEnvValues, type Redactor } from './redact'
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES, RotatingFile, type RotationOptions } from './rotating-file'
