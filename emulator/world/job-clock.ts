/**
 * The simulated clock that drives jobs and asynchronous operations.
 *
 * Simulated time advances at `speed` simulated seconds per real second (600 by default:
 * an hour-long restore job takes six real seconds). Only differences between two `now()`
 * readings matter: every event (job, operation) stores the `now()` of its start and its
 * real wall-clock start, and shows timestamps as wall-clock start + simulated elapsed time.
 *
 * The clock is injectable: `startEmulator({clock})` accepts any JobClock, `manualClock()`
 * never moves by itself, and `POST /admin/clock` can change the speed or jump ahead.
 */

export interface JobClock {
    /** Simulated milliseconds; monotonic; the origin is meaningless. */
    now(): number;
    /** Simulated seconds per real second (0 = frozen; time moves only through advance()). */
    readonly speed: number;
    setSpeed(speed: number): void;
    /** Jumps simulated time ahead. */
    advance(seconds: number): void;
}

export class ScaledClock implements JobClock {
    private baseSim = 0;
    private baseReal: number;
    private currentSpeed: number;

    constructor(
        speed = 600,
        private readonly realNow: () => number = () => performance.now(),
    ) {
        if (!(speed >= 0) || !Number.isFinite(speed)) throw new Error(`clock speed must be a finite number >= 0, got ${speed}`);
        this.currentSpeed = speed;
        this.baseReal = realNow();
    }

    get speed(): number {
        return this.currentSpeed;
    }

    now(): number {
        return this.baseSim + (this.realNow() - this.baseReal) * this.currentSpeed;
    }

    setSpeed(speed: number): void {
        if (!(speed >= 0) || !Number.isFinite(speed)) throw new Error(`clock speed must be a finite number >= 0, got ${speed}`);
        this.baseSim = this.now();
        this.baseReal = this.realNow();
        this.currentSpeed = speed;
    }

    advance(seconds: number): void {
        if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new Error(`advance needs a finite number of seconds >= 0, got ${seconds}`);
        this.baseSim += seconds * 1000;
    }
}

/** A clock that stands still until advance() (or setSpeed) moves it. */
export function manualClock(): JobClock {
    return new ScaledClock(0);
}

/**
 * The Retry-After hint for an operation that takes `realSeconds` on real Azure, compressed by
 * the clock speed: ceil(realSeconds / speed), at least 1 and at most realSeconds. A frozen
 * clock (speed 0) answers 1: time only moves when a test says so, so clients should not wait.
 */
export function retryAfterSeconds(clock: JobClock, realSeconds = 60): number {
    if (clock.speed <= 0) return 1;
    return Math.min(realSeconds, Math.max(1, Math.ceil(realSeconds / clock.speed)));
}
